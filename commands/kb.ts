import { addDocument } from '../src/app/knowledge/manage-documents.ts';
import { defineCommand } from '../src/chat/command.ts';
import { errorReply, type Reply, text } from '../src/chat/reply.ts';
import type { KbDocument } from '../src/domain/knowledge/types.ts';
import type { Result } from '../src/domain/result.ts';
import type { IngestionStatus } from '../src/ports/knowledge.ts';

const ACTIONS = ['add', 'list', 'remove'] as const;

/** /kb (staff): the documents the assistants answer from. Uploads are data: hidden text is dropped, never obeyed. */
export const kbCommand = defineCommand({
  name: 'kb',
  description: 'Knowledge base (staff): add a document, list them, remove one',
  visibility: 'ephemeral',
  staffOnly: true,
  options: {
    action: {
      type: 'string',
      description: 'add (with file), list, or remove (with name)',
      choices: ACTIONS.map((a) => ({ name: a, value: a })),
    },
    file: {
      type: 'attachment',
      description: 'add: a Markdown, text, HTML or PDF document',
      required: false,
      extensions: ['md', 'markdown', 'txt', 'html', 'htm', 'pdf'],
    },
    name: {
      type: 'string',
      description: 'remove: the document name, as /kb list shows it',
      required: false,
      maxLength: 120,
    },
  },
  async run(ctx, v): Promise<Reply> {
    const kb = ctx.deps.knowledge;
    switch (v.action) {
      case 'add': {
        if (!v.file) return usage('Attach the document to add as `file`.');
        ctx.reply.progress(text(`_Reading ${v.file.name}…_`));
        const added = await addDocument(kb, v.file, ctx.signal);
        if (!added.ok) return errorReply(added.error);
        const d = added.value;
        const when = kb.ingestion
          ? 'Uploaded: questions can use it once the knowledge base has ingested it (/kb action:list shows when).'
          : 'Questions can use it now.';
        return text(
          `Added **${d.name}** (“${d.title}”): ${d.chunks} ${d.chunks === 1 ? 'passage' : 'passages'}. ${when}`,
          { footer: `/kb remove name:${d.name} takes it out` },
        );
      }
      case 'remove': {
        if (!v.name) return usage('Give the `name` of the document to remove (see /kb list).');
        const removed = await kb.library.remove(v.name);
        if (!removed.ok) return errorReply(removed.error);
        const resync = kb.ingestion ? ' The knowledge base forgets it when its ingestion job has run.' : '';
        return text(`Removed **${removed.value.name}**.${resync}`);
      }
      case 'list': {
        const status = kb.ingestion ? ingestionLine(await kb.ingestion.status(ctx.signal)) : undefined;
        return listReply(await kb.library.list(), status ? `${kb.description} · ${status}` : kb.description);
      }
      default:
        return usage(`Unknown action \`${v.action}\`.`);
    }
  },
});

function listReply(documents: readonly KbDocument[], description: string): Reply {
  if (documents.length === 0) {
    return text('The knowledge base is empty.', { footer: `${description} · /kb action:add file:<document> adds one` });
  }
  const chunks = documents.reduce((sum, d) => sum + d.chunks, 0);
  return {
    kind: 'table',
    title: 'Knowledge base',
    columns: ['Document', 'Title', 'Passages', 'From', 'Added'],
    rows: documents.map((d) => [d.name, d.title, String(d.chunks), d.origin, d.addedAt.slice(0, 10)]),
    footer: `${documents.length} documents, ${chunks} passages · ${description}`,
  };
}

/** "ingestion COMPLETE at 10:01 UTC: 12 scanned, 6 indexed, 0 failed". */
function ingestionLine(status: Result<IngestionStatus | undefined>): string {
  if (!status.ok) return `ingestion status unknown: ${status.error.message}`;
  const s = status.value;
  if (!s) return 'no ingestion job yet';
  const at = (s.updatedAt ?? s.startedAt)?.slice(11, 16);
  const counts = `${s.scanned} scanned, ${s.indexed} indexed, ${s.deleted} deleted, ${s.failed} failed`;
  const reasons = s.failureReasons.length > 0 ? ` (${s.failureReasons.slice(0, 2).join('; ')})` : '';
  const waiting = s.resyncWaiting ? '; another sync starts when it ends' : '';
  return `ingestion ${s.state}${at ? ` at ${at} UTC` : ''}: ${counts}${reasons}${waiting}`;
}

const usage = (message: string): Reply =>
  errorReply({
    code: 'kb.usage',
    message,
    hint: '/kb action:add file:<doc> · /kb action:list · /kb action:remove name:<doc>',
  });
