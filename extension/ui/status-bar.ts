/**
 * The status bar item: state (ready / indexing x% / backend down / disabled), the UI
 * mode's details, and a click that opens the Tandem menu. The text comes from the pure
 * `statusView`.
 */
import * as vscode from 'vscode';
import { statusView, type StatusInputs } from './status-model';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('tandem.status', vscode.StatusBarAlignment.Right, 100);

  constructor() {
    this.item.name = 'Tandem';
    this.item.command = 'tandem.showMenu';
    this.item.show();
  }

  update(inputs: StatusInputs): void {
    const view = statusView(inputs);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.backgroundColor =
      view.emphasis === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : view.emphasis === 'warning'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.accessibilityInformation = { label: view.text.replace(/\$\([^)]+\)\s*/g, ''), role: 'button' };
  }

  dispose(): void {
    this.item.dispose();
  }
}
