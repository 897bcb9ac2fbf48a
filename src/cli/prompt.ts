import readline from 'node:readline';
import password from '@inquirer/password';

/**
 * Reads a password: a masked prompt on a terminal (@inquirer/password: a pasted "secret\r" is one line, not
 * a password ending in \r), one line from a pipe otherwise. Trailing line ends are never part of it.
 */
export async function readPassword(prompt: string): Promise<string> {
  if (process.stdin.isTTY) {
    const value = await password({ message: prompt, mask: '*' });
    return value.replace(/[\r\n]+$/, '');
  }
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of rl) {
    rl.close();
    return line.replace(/\r$/, '');
  }
  throw new Error('No password on standard input: pipe it in, or set SERIALTRACK_PASSWORD.');
}
