import { readFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHUNKS_PREFIX as BOT_CHUNKS_PREFIX } from '../../adapters/aws/bedrock-kb-library.ts';
import { KbObjects } from '../../adapters/aws/kb-objects.ts';
import { CHUNKS_PREFIX, KnowledgeStack, MANIFEST_PREFIX } from '../../infra/kb-stack.ts';
import { KB_CHAIN_ASL_URL } from '../../src/workflows/kb-chain.ts';

let template: Template;
beforeAll(() => {
  const app = new App();
  template = Template.fromStack(
    new KnowledgeStack(app, 'TestKnowledge', { env: { account: '123456789012', region: 'eu-west-1' } }),
  );
  // Loading aws-cdk-lib and synthesizing takes seconds, far more on a loaded machine.
}, 240_000);

const statementsOf = (logicalIdPrefix: string, type: string) => {
  const resources = template.findResources(type) as Record<
    string,
    { Properties: { PolicyDocument: { Statement: { Action: string | string[] }[] } } }
  >;
  return Object.entries(resources)
    .filter(([id]) => id.startsWith(logicalIdPrefix))
    .flatMap(([, r]) => r.Properties.PolicyDocument.Statement.flatMap((s) => [s.Action].flat()));
};

describe('KnowledgeStack (synthesized offline)', () => {
  it('stores vectors in an S3 Vectors index sized for Titan V2, with Bedrock text kept out of filterable metadata', () => {
    template.resourceCountIs('AWS::S3Vectors::VectorBucket', 1);
    template.hasResourceProperties('AWS::S3Vectors::Index', {
      DataType: 'float32',
      Dimension: 1024,
      DistanceMetric: 'cosine',
      MetadataConfiguration: { NonFilterableMetadataKeys: ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'] },
    });
  });

  it('creates the knowledge base over the index, and a data source over the chunks prefix without re-chunking', () => {
    template.hasResourceProperties('AWS::Bedrock::KnowledgeBase', {
      KnowledgeBaseConfiguration: {
        Type: 'VECTOR',
        VectorKnowledgeBaseConfiguration: {
          EmbeddingModelConfiguration: { BedrockEmbeddingModelConfiguration: { Dimensions: 1024 } },
        },
      },
      StorageConfiguration: { Type: 'S3_VECTORS', S3VectorsConfiguration: { IndexArn: Match.anyValue() } },
    });
    const kb = JSON.stringify(template.findResources('AWS::Bedrock::KnowledgeBase'));
    expect(kb).toContain('foundation-model/amazon.titan-embed-text-v2:0');
    template.hasResourceProperties('AWS::Bedrock::DataSource', {
      DataSourceConfiguration: { Type: 'S3', S3Configuration: { InclusionPrefixes: ['chunks/'] } },
      VectorIngestionConfiguration: { ChunkingConfiguration: { ChunkingStrategy: 'NONE' } },
    });
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  it('deploys the chain as an Express workflow from the same ASL file, with the KB id and model substituted', () => {
    const machines = template.findResources('AWS::StepFunctions::StateMachine');
    const [machine] = Object.values(machines) as { Properties: Record<string, unknown> }[];
    expect(machine?.Properties.StateMachineType).toBe('EXPRESS');
    const definition = JSON.stringify(machine?.Properties.DefinitionString);
    const states = Object.keys(JSON.parse(readFileSync(KB_CHAIN_ASL_URL, 'utf8')).States);
    for (const state of states) expect(definition).toContain(state);
    // CloudFormation fills the placeholders: each one the ASL names has a substitution.
    const placeholders = new Set([...definition.matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]));
    expect([...placeholders].sort()).toEqual(Object.keys(machine?.Properties.DefinitionSubstitutions ?? {}).sort());
    expect(JSON.stringify(machine?.Properties.DefinitionSubstitutions)).toMatch(
      /"KnowledgeBaseId":\{"Fn::GetAtt":\["KnowledgeBase\w*","KnowledgeBaseId"\]\}/,
    );
    expect(JSON.stringify(machine?.Properties.DefinitionSubstitutions)).toContain(
      'foundation-model/amazon.nova-micro-v1:0',
    );
    expect(machine?.Properties.LoggingConfiguration).toBeDefined();
  });

  it('lets the workflow invoke the model and retrieve, and gives the bot only what KB_MODE=aws needs', () => {
    const chainActions = statementsOf('KnowledgeChainRole', 'AWS::IAM::Policy');
    expect(chainActions).toEqual(expect.arrayContaining(['bedrock:InvokeModel', 'bedrock:Retrieve']));
    const bot = statementsOf('BotKnowledgePolicy', 'AWS::IAM::ManagedPolicy');
    expect(bot.sort()).toEqual(
      [
        'bedrock:GetIngestionJob',
        'bedrock:ListIngestionJobs',
        'bedrock:InvokeModel',
        'bedrock:Retrieve',
        'bedrock:StartIngestionJob',
        's3:DeleteObject',
        's3:ListBucket',
        's3:PutObject',
        'states:StartSyncExecution',
      ].sort(),
    );
    for (const name of [
      'KnowledgeBaseId',
      'KnowledgeChainArn',
      'DocumentsBucket',
      'DataSourceId',
      'BotKnowledgePolicyArn',
    ]) {
      template.hasOutput(name, {});
    }
    // The bot's upload prefix is the data source's, and listing is limited to it.
    expect(CHUNKS_PREFIX).toBe(BOT_CHUNKS_PREFIX);
    expect(MANIFEST_PREFIX).toBe(KbObjects.MANIFEST);
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Action: 's3:ListBucket',
            Condition: { StringLike: { 's3:prefix': ['chunks/*', 'manifest/*'] } },
          }),
        ]),
      },
    });
    template.hasOutput('DocumentsBucket', { Description: Match.stringLikeRegexp('KB_BUCKET') });
    template.hasOutput('DataSourceId', { Description: Match.stringLikeRegexp('KB_DATA_SOURCE_ID') });
  });
});
