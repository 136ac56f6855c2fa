/**
 * The new part of an email reply: what comes before the quoted message ("On … wrote:", an
 * Outlook "-----Original Message-----" or "From:" header block, lines quoted with ">") and
 * before a signature ("-- " on its own line). Falls back to the whole text if nothing is left.
 */
export function stripReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const next = lines[i + 1] ?? '';
    if (/^-- ?$/.test(line)) break; // signature delimiter
    if (/^-{2,}\s*Original Message\s*-{2,}/i.test(line)) break;
    if (/^On .+wrote:\s*$/i.test(line) || (/^On .+/i.test(line) && /wrote:\s*$/i.test(next))) break;
    if (/^(From|De|Von): .+/.test(line) && /^(Sent|Date|Enviado|Gesendet|To|Para|An): /.test(next)) break;
    if (/^>/.test(line)) continue;
    kept.push(line);
  }
  const stripped = kept.join('\n').trim();
  return stripped.length > 0 ? stripped : text.trim();
}
