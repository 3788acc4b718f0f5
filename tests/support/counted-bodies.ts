import { RenderedBodies } from '../../src/site/routes.js';

/** RenderedBodies that counts the renders it asks for: what the tests see of "rendered when first read, and kept". */
export class CountedBodies extends RenderedBodies {
  renders = 0;
  override get(owner: object, render: () => string): string {
    return super.get(owner, () => (this.renders++, render()));
  }
  override prepare(owner: object, render: () => Promise<Buffer>): Promise<void> {
    return super.prepare(owner, () => (this.renders++, render()));
  }
}
