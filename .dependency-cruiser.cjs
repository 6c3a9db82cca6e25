/** Layer rules of ARCHITECTURE.md: dependencies point inward; only adapters touch platform and AWS SDKs. */
const platformSdks =
  '^(discord\\.js|@discordjs/|@slack/|@aws-sdk/|@smithy/|dynalite|aws-local-stepfunctions|prism-media|opusscript|@snazzah/|fastify|@fastify/|ws|exceljs|saxes|@napi-rs/canvas|pino|prom-client|aws-cdk-lib|constructs)';
module.exports = {
  forbidden: [
    {
      name: 'sdk-only-in-adapters',
      comment: 'Platform, AWS and infrastructure libraries are imported only under adapters/ (and infra/).',
      severity: 'error',
      from: { path: '^(src|commands)/' },
      to: { dependencyTypes: ['npm'], path: `node_modules/${platformSdks.slice(1)}` },
    },
    {
      name: 'adapters-only-from-main',
      comment: 'Only the composition root (src/main.ts and its src/compose/ parts) imports adapters.',
      severity: 'error',
      from: { path: '^(src|commands)/', pathNot: '^src/(main\\.ts$|compose/)' },
      to: { path: '^adapters/' },
    },
    {
      name: 'inner-layers-stay-inner',
      comment: 'domain depends on nothing of ours but domain.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { path: '^(src/(app|chat|ports|voice|workflows)|commands|adapters)/' },
    },
    {
      name: 'no-commands-from-src',
      comment: 'src/ never imports commands/ (except the composition root).',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/main\\.ts$' },
      to: { path: '^commands/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
