/**
 * TreeDataProvider for the "Tandem" Explorer view, rendering the pure `statusTree`.
 */
import * as vscode from 'vscode';
import { statusTree, type StatusTreeInputs, type TreeNode } from './status-tree';

export class StatusTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private nodes: TreeNode[] = [];

  update(inputs: StatusTreeInputs): void {
    this.nodes = statusTree(inputs);
    this.changed.fire(undefined);
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.children?.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.description = node.description;
    item.tooltip = node.tooltip;
    if (node.icon) item.iconPath = new vscode.ThemeIcon(node.icon);
    if (node.command) item.command = { command: node.command, title: node.label };
    return item;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? (node.children ?? []) : this.nodes;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
