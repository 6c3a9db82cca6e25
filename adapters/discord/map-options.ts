import type { Command } from '../../src/chat/command.ts';
import type { RawOptions, RawValue } from '../../src/chat/options.ts';
import { appError, err, ok, type Result } from '../../src/domain/result.ts';
import { attachmentSource, tooLargeMessage } from './attachment-source.ts';
import type { ChatInputShape } from './shapes.ts';

/**
 * Discord's resolved option values as raw options for the dispatcher, which validates them like on every surface.
 * Attachments become streaming FileSources; one announced above the size limit is refused before the command runs.
 */
export function mapOptions(
  command: Command,
  options: ChatInputShape['options'],
  maxAttachmentBytes: number,
  fetchFn: typeof fetch = fetch,
): Result<RawOptions> {
  const raw: Record<string, RawValue> = {};
  for (const [name, spec] of Object.entries(command.options)) {
    const option = options.get(name);
    if (!option) continue;
    if (spec.type === 'attachment') {
      const attachment = option.attachment;
      if (!attachment) continue;
      if (attachment.size > maxAttachmentBytes) {
        return err(
          appError(
            'input.file_too_large',
            tooLargeMessage(attachment.name, attachment.size, maxAttachmentBytes),
            'Attach a smaller file, or split it in parts.',
          ),
        );
      }
      raw[name] = attachmentSource(attachment, maxAttachmentBytes, fetchFn);
    } else if (option.value !== undefined) {
      raw[name] = option.value;
    }
  }
  return ok(raw);
}
