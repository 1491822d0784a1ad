import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HEAP_GROWTH_FLAG, heapGrowthFlag } from './heap-growth.js';

test('the heap growth flag is set unless the operator passed a heap flag of their own', () => {
  const cases: [string[], string | undefined, string | undefined][] = [
    [[], undefined, HEAP_GROWTH_FLAG],
    [['--enable-source-maps'], '--dns-result-order=ipv4first', HEAP_GROWTH_FLAG],
    // Flags that only share a prefix are not heap flags.
    [['--max-old-space-size-fake=1'], '--heap-prof', HEAP_GROWTH_FLAG],
    [['--heap-growing-percent=50'], undefined, undefined],
    [['--max-old-space-size=512'], undefined, undefined],
    [['--max_old_space_size=512'], undefined, undefined],
    [[], '--max-old-space-size=300', undefined],
    [[], '  --inspect  --max-semi-space-size=16 ', undefined],
    [['--optimize-for-size'], undefined, undefined],
  ];
  for (const [execArgv, nodeOptions, expected] of cases) {
    assert.equal(heapGrowthFlag(execArgv, nodeOptions), expected, `${execArgv.join(' ')} | ${nodeOptions}`);
  }
});
