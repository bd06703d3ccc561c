// A node:test reporter that writes {passed, failed, skipped} as JSON, counting tests
// (not suites — but a skipped suite counts as one skipped test, since its tests are never
// reported), so scripts/test.ts can print the closing line CI reads.
export default async function* summaryReporter(source: AsyncIterable<{ type: string; data: any }>) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    if (event.data?.details?.type === 'suite') {
      if (event.type === 'test:pass' && event.data.skip) counts.skipped += 1;
      continue;
    }
    if (event.type === 'test:pass') {
      if (event.data.skip || event.data.todo) counts.skipped += 1;
      else counts.passed += 1;
    } else if (event.type === 'test:fail') {
      counts.failed += 1;
    }
  }
  yield JSON.stringify(counts);
}
