/**
 * UI modes and what each shows. The mode is the `tandem.uiMode` setting, mirrored in
 * the `tandem.uiMode` context key that package.json `when` clauses test; this module
 * is the single description of which surfaces belong to which mode (the manifest test
 * checks package.json against it).
 *
 * - simple: completions and chat with defaults, no knobs.
 * - advanced: + model and backend pickers, "Why this suggestion?", stats.
 * - expert: + raw prompt, routing and backend health detail, per-request timings.
 */
export const UiModes = ['simple', 'advanced', 'expert'] as const;
export type UiMode = (typeof UiModes)[number];

export function isUiMode(value: unknown): value is UiMode {
  return typeof value === 'string' && (UiModes as readonly string[]).includes(value);
}

export const UI_MODE_CONTEXT_KEY = 'tandem.uiMode';

/** Commands and their lowest mode. Commands absent here are internal (never in the palette). */
export const commandMinMode = {
  'tandem.showMenu': 'simple',
  'tandem.switchUiMode': 'simple',
  'tandem.toggleEnable': 'simple',
  'tandem.showLogs': 'simple',
  'tandem.runDoctor': 'simple',
  'tandem.restartDaemon': 'simple',
  'tandem.inlineEdit.start': 'simple',
  'tandem.explain': 'simple',
  'tandem.tests.generate': 'simple',
  'tandem.commitMessage.generate': 'simple',
  'tandem.toggleLanguage': 'advanced',
  'tandem.selectModel': 'advanced',
  'tandem.selectBackend': 'advanced',
  'tandem.whyThisSuggestion': 'advanced',
  'tandem.showStats': 'advanced',
  'tandem.setRemoteToken': 'advanced',
  'tandem.showRawPrompt': 'expert',
  'tandem.showBackendHealth': 'expert',
  'tandem.showRequestTimings': 'expert',
  'tandem.agent.start': 'simple',
  'tandem.agent.undo': 'simple',
  'tandem.memory.add': 'simple',
  'tandem.memory.show': 'simple',
  'tandem.showNextEditPrompt': 'expert',
} as const satisfies Record<string, UiMode>;

export type PaletteCommand = keyof typeof commandMinMode;

/** Commands invoked by the editor or keybindings, hidden from the palette in every mode. */
export const internalCommands = [
  'tandem.completion.accepted',
  'tandem.acceptNextWord',
  'tandem.acceptNextLine',
  'tandem.dismissSuggestion',
  'tandem.memory.edit',
  'tandem.memory.delete',
  'tandem.memory.refresh',
  'tandem.inlineEdit.accept',
  'tandem.inlineEdit.reject',
  'tandem.inlineEdit.retry',
  'tandem.inlineEdit.followUp',
  'tandem.nextEdit.tab',
  'tandem.nextEdit.reject',
  'tandem.nextEdit.accepted',
] as const;

/** Views and their lowest mode. */
export const viewMinMode = {
  'tandem.statusView': 'advanced',
} as const satisfies Record<string, UiMode>;

const rank: Record<UiMode, number> = { simple: 0, advanced: 1, expert: 2 };

export function modeIncludes(mode: UiMode, minMode: UiMode): boolean {
  return rank[mode] >= rank[minMode];
}

/** The `when` clause that shows a surface from `minMode` upwards. */
export function whenForMinMode(minMode: UiMode): string | undefined {
  if (minMode === 'simple') return undefined;
  if (minMode === 'advanced') return `${UI_MODE_CONTEXT_KEY} == advanced || ${UI_MODE_CONTEXT_KEY} == expert`;
  return `${UI_MODE_CONTEXT_KEY} == expert`;
}

/** Which status bar details a mode shows. */
export interface StatusBarDetail {
  /** The mode's name in the item text. */
  modeLabel: boolean;
  /** The completion model. */
  model: boolean;
  /** Backend that served the last completion. */
  backend: boolean;
  /** Latency of the last completion. */
  latency: boolean;
}

export interface ModeSurface {
  mode: UiMode;
  commands: PaletteCommand[];
  views: Array<keyof typeof viewMinMode>;
  statusBar: StatusBarDetail;
  /** Entries of the status bar quick pick menu. */
  menu: PaletteCommand[];
  /** Per-request timings are written to the output channel. */
  logTimings: boolean;
}

export function surfaceFor(mode: UiMode): ModeSurface {
  const commands = (Object.keys(commandMinMode) as PaletteCommand[]).filter((c) => modeIncludes(mode, commandMinMode[c]));
  const views = (Object.keys(viewMinMode) as Array<keyof typeof viewMinMode>).filter((v) => modeIncludes(mode, viewMinMode[v]));
  return {
    mode,
    commands,
    views,
    statusBar: {
      modeLabel: mode !== 'simple',
      model: mode !== 'simple',
      backend: mode === 'expert',
      latency: mode === 'expert',
    },
    menu: commands.filter((c) => c !== 'tandem.showMenu'),
    logTimings: mode === 'expert',
  };
}

export const modeDescriptions: Record<UiMode, string> = {
  simple: 'Completions and chat with sensible defaults, no knobs',
  advanced: 'Model and backend pickers, "Why this suggestion?", stats',
  expert: 'Raw prompts, routing and backend health, per-request timings',
};
