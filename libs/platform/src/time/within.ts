/**
 * The promise's value, or undefined when it has not settled within `ms` (its rejection, should it
 * come first, is thrown). The promise itself goes on; the timer does not outlive the wait.
 */
export async function within<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
