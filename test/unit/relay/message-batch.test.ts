import { MessageBatch } from '../../../src/relay/message-batch';

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('MessageBatch (one postMessage per event-loop turn)', () => {
  it('posts everything pushed in one turn once, in order, with every transferable', async () => {
    const posts: { items: readonly number[]; transfer: unknown[] }[] = [];
    const batch = new MessageBatch<number>((items, transfer) => posts.push({ items, transfer }));
    const a = new ArrayBuffer(8);
    const b = new ArrayBuffer(8);
    batch.push(1, [a]);
    batch.push(2);
    batch.push(3, [b]);
    expect(posts).toHaveLength(0); // nothing leaves before the turn ends
    expect(batch.waiting).toBe(3);
    await turn();
    expect(posts).toEqual([{ items: [1, 2, 3], transfer: [a, b] }]);
    expect(batch.waiting).toBe(0);
  });

  it('a later turn makes a new post; an idle turn posts nothing', async () => {
    const posts: (readonly string[])[] = [];
    const batch = new MessageBatch<string>((items) => posts.push(items));
    batch.push('x');
    await turn();
    await turn();
    batch.push('y');
    batch.push('z');
    await turn();
    expect(posts).toEqual([['x'], ['y', 'z']]);
  });

  it('pushes made while posting go out on the next turn, never lost', async () => {
    const posts: (readonly number[])[] = [];
    const batch: MessageBatch<number> = new MessageBatch<number>((items) => {
      posts.push(items);
      if (items[0] === 1) batch.push(99);
    });
    batch.push(1);
    await turn();
    await turn();
    expect(posts).toEqual([[1], [99]]);
  });

  it('flush() posts at once', () => {
    const posts: (readonly number[])[] = [];
    const batch = new MessageBatch<number>((items) => posts.push(items));
    batch.push(7);
    batch.flush();
    expect(posts).toEqual([[7]]);
    batch.flush();
    expect(posts).toHaveLength(1);
  });

  it('a lazy message waits for the next one that is not, and leaves with it in order', async () => {
    const posts: (readonly string[])[] = [];
    const batch = new MessageBatch<string>((items) => posts.push(items), 60_000);
    batch.push('close', [], true);
    await turn();
    expect(posts).toEqual([]); // no turn of its own
    batch.push('add');
    await turn();
    expect(posts).toEqual([['close', 'add']]);
  });

  it('a lazy message alone leaves when its timer runs out, once', async () => {
    const posts: (readonly string[])[] = [];
    const batch = new MessageBatch<string>((items) => posts.push(items), 1);
    batch.push('close-1', [], true);
    batch.push('close-2', [], true);
    await new Promise((r) => setTimeout(r, 30));
    expect(posts).toEqual([['close-1', 'close-2']]);
    batch.push('add');
    await turn();
    expect(posts).toEqual([['close-1', 'close-2'], ['add']]);
  });
});
