/**
 * Titles of Tandem's user-facing commands (category "Tandem" in package.json). The
 * status bar menu lists them per mode; the manifest test checks package.json agrees.
 */
import type { PaletteCommand } from './ui-mode';

export const commandTitles: Record<PaletteCommand, string> = {
  'tandem.showMenu': 'Show Menu',
  'tandem.switchUiMode': 'Switch UI Mode',
  'tandem.toggleEnable': 'Enable/Disable Inline Completions',
  'tandem.showLogs': 'Show Logs',
  'tandem.runDoctor': 'Run Doctor',
  'tandem.restartDaemon': 'Restart Daemon',
  'tandem.inlineEdit.start': 'Edit Selection…',
  'tandem.explain': 'Explain',
  'tandem.tests.generate': 'Generate Tests',
  'tandem.commitMessage.generate': 'Write Commit Message',
  'tandem.toggleLanguage': 'Enable/Disable Completions for This Language',
  'tandem.selectModel': 'Select Completion Model',
  'tandem.selectBackend': 'Select Backend',
  'tandem.whyThisSuggestion': 'Why This Suggestion?',
  'tandem.showStats': 'Show Stats',
  'tandem.setRemoteToken': 'Set Remote Backend Token',
  'tandem.showRawPrompt': 'Show Raw Prompt of Last Completion',
  'tandem.showBackendHealth': 'Show Routing and Backend Health',
  'tandem.showRequestTimings': 'Show Per-Request Timings',
  'tandem.agent.start': 'Start Agent Task…',
  'tandem.agent.undo': 'Undo Agent Changes',
  'tandem.memory.add': 'Add Memory Note',
  'tandem.memory.show': 'Show Memory',
  'tandem.showNextEditPrompt': 'Show Prompt and Answer of Last Next Edit',
};

export const commandIcons: Partial<Record<PaletteCommand, string>> = {
  'tandem.inlineEdit.start': 'edit',
  'tandem.explain': 'comment-discussion',
  'tandem.tests.generate': 'beaker',
  'tandem.commitMessage.generate': 'sparkle',
  'tandem.switchUiMode': 'settings-gear',
  'tandem.toggleEnable': 'circle-slash',
  'tandem.showLogs': 'output',
  'tandem.runDoctor': 'pulse',
  'tandem.restartDaemon': 'debug-restart',
  'tandem.selectModel': 'symbol-class',
  'tandem.selectBackend': 'server',
  'tandem.whyThisSuggestion': 'question',
  'tandem.showStats': 'graph',
  'tandem.showRawPrompt': 'file-code',
  'tandem.showBackendHealth': 'server-process',
  'tandem.showRequestTimings': 'watch',
  'tandem.agent.start': 'hubot',
  'tandem.agent.undo': 'discard',
  'tandem.memory.add': 'add',
  'tandem.memory.show': 'notebook',
  'tandem.showNextEditPrompt': 'file-code',
};
