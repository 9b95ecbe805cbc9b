/**
 * The host side of the "Why this suggestion?" inspector, without VS Code: it answers
 * the webview's messages through a messenger interface (a fake in tests, the webview
 * panel in VS Code) and loads the daemon's diagnostics for the last suggestion.
 */
import type { ContextDiagnostics } from '../../protocol/messages/context';
import type { HostToInspector, InspectedSuggestion, InspectorState, InspectorToHost } from '../../webview-ui/inspector-protocol';
import { isInspectorToHost } from '../../webview-ui/inspector-protocol';

export interface InspectorMessenger {
  post(message: HostToInspector): void;
  onMessage(listener: (message: unknown) => void): { dispose(): void };
}

export interface InspectorDeps {
  lastSuggestion(): InspectedSuggestion | undefined;
  diagnostics(completionId: string): Promise<ContextDiagnostics>;
  expert(): boolean;
  openFile(root: string | undefined, file: string, line: number): void;
}

export class InspectorController {
  private readonly sub: { dispose(): void };

  constructor(
    private readonly messenger: InspectorMessenger,
    private readonly deps: InspectorDeps,
  ) {
    this.sub = messenger.onMessage((m) => void this.handle(m));
  }

  private async handle(message: unknown): Promise<void> {
    if (!isInspectorToHost(message)) return;
    const m: InspectorToHost = message;
    switch (m.type) {
      case 'ready':
      case 'refresh':
        await this.refresh();
        return;
      case 'openFile':
        this.deps.openFile(m.root, m.file, m.line);
        return;
    }
  }

  async refresh(): Promise<void> {
    this.messenger.post({ type: 'state', state: await this.state() });
  }

  async state(): Promise<InspectorState> {
    const suggestion = this.deps.lastSuggestion();
    const expert = this.deps.expert();
    if (!suggestion) return { expert, error: 'No suggestion yet: type in an editor until a Tandem suggestion appears, then ask again.' };
    try {
      return { expert, suggestion, diagnostics: await this.deps.diagnostics(suggestion.completionId) };
    } catch (err) {
      return { expert, suggestion, error: `No context diagnostics for this suggestion: ${(err as Error).message}` };
    }
  }

  dispose(): void {
    this.sub.dispose();
  }
}
