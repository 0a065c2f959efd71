/** Reads a secret from standard input (piped), first line only. Empty when stdin is a terminal. */
export async function readSecretFromStdin(stdin: NodeJS.ReadStream = process.stdin): Promise<string | undefined> {
  if (stdin.isTTY) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(Buffer.from(chunk as Buffer));
  const text = Buffer.concat(chunks).toString('utf8');
  // Only the line terminator is removed; the password itself is taken exactly as sent.
  const line = text.split(/\r?\n/)[0];
  return line ? line : undefined;
}
