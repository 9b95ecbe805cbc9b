/** What every endpoint handler of the fake works with: its models and its scripted replies. */
import type { ModelCatalog } from './catalog';
import type { ReplyScript } from './replies';

export interface FakeContext {
  catalog: ModelCatalog;
  replies: ReplyScript;
}
