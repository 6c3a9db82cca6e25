import { extractText, getDocumentProxy } from 'unpdf';

/**
 * The text of a PDF with PDF.js (through unpdf's serverless build: no worker, no canvas), one `## Page N` section
 * per page so a citation can say which page. Never throws: a broken or encrypted file is `ok: false` with why.
 */
export async function pdfToMarkdown(
  bytes: Uint8Array,
): Promise<{ ok: true; value: string } | { ok: false; error: string }> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>> | undefined;
  try {
    // PDF.js takes ownership of (and detaches) the buffer it is given: hand it a copy.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
    const { text } = await extractText(pdf, { mergePages: false });
    const pages = text
      .map((page, i) => ({ n: i + 1, text: page.replace(/[ \t]+\n/g, '\n').trim() }))
      .filter((p) => p.text !== '');
    return { ok: true, value: pages.map((p) => `## Page ${p.n}\n\n${p.text}`).join('\n\n') };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const why = name === 'PasswordException' ? 'it is password protected' : 'it is damaged or not a PDF';
    return { ok: false, error: why };
  } finally {
    await pdf?.cleanup().catch(() => {});
  }
}
