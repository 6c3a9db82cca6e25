import { readFileSync } from 'node:fs';
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as bedrock from 'aws-cdk-lib/aws-bedrock';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3vectors from 'aws-cdk-lib/aws-s3vectors';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { KB_CHAIN_ASL_URL } from '../src/workflows/kb-chain.ts';

export interface KnowledgeStackProps extends StackProps {
  /** Foundation model of the chain's keyword and needs-retrieval calls (small and fast). */
  readonly chainModelId?: string;
  /** Titan Text Embeddings V2, 1024 dimensions, for the knowledge base's vectors. */
  readonly embeddingModelId?: string;
}

/** The S3 prefix the bot writes one object per chunk to (with a `.metadata.json` giving source and section). */
export const CHUNKS_PREFIX = 'chunks/';
/** Outside the data source's prefix: the bot's record of each complete upload (`manifest/<document>/<hash>`). */
export const MANIFEST_PREFIX = 'manifest/';
const DIMENSIONS = 1024;

/**
 * The knowledge base in the cloud: an S3 bucket the bot uploads chunks to, an Amazon Bedrock Knowledge Base over an
 * S3 Vectors index (chunking NONE: the bot's chunker keeps headings and sections), and the prompt chain as an Express
 * state machine from the same src/workflows/kb-chain.asl.json the bot runs in-process.
 *
 * Vector store: S3 Vectors, not OpenSearch Serverless. A shop's few hundred to few thousand chunks cost cents a
 * month in S3 Vectors (storage + per-query pricing, nothing when idle), while an OpenSearch Serverless collection
 * bills at least 2 OCUs around the clock (about 175 USD/month with redundancy off, twice that with it on, at the
 * 2026 list price of ~0.24 USD/OCU-hour). OpenSearch Serverless is the choice for hybrid (keyword + vector) search
 * inside the service, filters on rich metadata, or query rates where S3 Vectors' latency (~100+ ms) matters.
 */
export class KnowledgeStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly knowledgeBase: bedrock.CfnKnowledgeBase;
  readonly chain: sfn.StateMachine;
  readonly botPolicy: iam.ManagedPolicy;

  constructor(scope: Construct, id: string, props: KnowledgeStackProps = {}) {
    super(scope, id, props);
    const chainModelArn = this.formatArn({
      service: 'bedrock',
      account: '',
      resource: 'foundation-model',
      resourceName: props.chainModelId ?? 'amazon.nova-micro-v1:0',
    });
    const embeddingModelArn = this.formatArn({
      service: 'bedrock',
      account: '',
      resource: 'foundation-model',
      resourceName: props.embeddingModelId ?? 'amazon.titan-embed-text-v2:0',
    });

    this.bucket = new s3.Bucket(this, 'Documents', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: false,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const vectors = new s3vectors.CfnVectorBucket(this, 'Vectors', {});
    const index = new s3vectors.CfnIndex(this, 'VectorIndex', {
      vectorBucketArn: vectors.attrVectorBucketArn,
      dataType: 'float32',
      dimension: DIMENSIONS,
      distanceMetric: 'cosine',
      // Bedrock stores the chunk text and its metadata with each vector; they exceed filterable metadata's limit.
      metadataConfiguration: { nonFilterableMetadataKeys: ['AMAZON_BEDROCK_TEXT', 'AMAZON_BEDROCK_METADATA'] },
    });

    const kbRole = new iam.Role(this, 'KnowledgeBaseRole', {
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com'),
    });
    kbRole.addToPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [embeddingModelArn] }));
    this.bucket.grantRead(kbRole);
    kbRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          's3vectors:PutVectors',
          's3vectors:GetVectors',
          's3vectors:DeleteVectors',
          's3vectors:QueryVectors',
          's3vectors:GetIndex',
        ],
        resources: [index.attrIndexArn],
      }),
    );
    this.knowledgeBase = new bedrock.CfnKnowledgeBase(this, 'KnowledgeBase', {
      name: `${this.stackName}-kb`,
      roleArn: kbRole.roleArn,
      knowledgeBaseConfiguration: {
        type: 'VECTOR',
        vectorKnowledgeBaseConfiguration: {
          embeddingModelArn,
          embeddingModelConfiguration: {
            bedrockEmbeddingModelConfiguration: { dimensions: DIMENSIONS, embeddingDataType: 'FLOAT32' },
          },
        },
      },
      storageConfiguration: { type: 'S3_VECTORS', s3VectorsConfiguration: { indexArn: index.attrIndexArn } },
    });
    this.knowledgeBase.node.addDependency(kbRole);
    const dataSource = new bedrock.CfnDataSource(this, 'Chunks', {
      knowledgeBaseId: this.knowledgeBase.attrKnowledgeBaseId,
      name: 'chunks',
      dataSourceConfiguration: {
        type: 'S3',
        s3Configuration: { bucketArn: this.bucket.bucketArn, inclusionPrefixes: [CHUNKS_PREFIX] },
      },
      vectorIngestionConfiguration: { chunkingConfiguration: { chunkingStrategy: 'NONE' } },
      dataDeletionPolicy: 'DELETE',
    });

    const logGroup = new logs.LogGroup(this, 'ChainLogs', { retention: logs.RetentionDays.TWO_WEEKS });
    this.chain = new sfn.StateMachine(this, 'KnowledgeChain', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromString(readFileSync(KB_CHAIN_ASL_URL, 'utf8')),
      definitionSubstitutions: { ChainModelId: chainModelArn, KnowledgeBaseId: this.knowledgeBase.attrKnowledgeBaseId },
      // Express executions keep no history of their own: CloudWatch Logs is where a failed chain can be read.
      logs: { destination: logGroup, level: sfn.LogLevel.ERROR, includeExecutionData: false },
      tracingEnabled: true,
    });
    this.chain.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [chainModelArn] }),
    );
    this.chain.addToRolePolicy(
      new iam.PolicyStatement({ actions: ['bedrock:Retrieve'], resources: [this.knowledgeBase.attrKnowledgeBaseArn] }),
    );

    this.botPolicy = new iam.ManagedPolicy(this, 'BotKnowledgePolicy', {
      description:
        'What the Sonicord bot needs for KB_MODE=aws: run the chain, retrieve, upload chunks, start ingestion',
      statements: [
        new iam.PolicyStatement({ actions: ['states:StartSyncExecution'], resources: [this.chain.stateMachineArn] }),
        new iam.PolicyStatement({
          actions: [
            'bedrock:Retrieve',
            'bedrock:StartIngestionJob',
            'bedrock:GetIngestionJob',
            'bedrock:ListIngestionJobs',
          ],
          resources: [this.knowledgeBase.attrKnowledgeBaseArn],
        }),
        new iam.PolicyStatement({
          actions: ['s3:PutObject', 's3:DeleteObject'],
          resources: [this.bucket.arnForObjects(`${CHUNKS_PREFIX}*`), this.bucket.arnForObjects(`${MANIFEST_PREFIX}*`)],
        }),
        // /kb remove and the startup mirror list a document's objects and the manifest: only under those prefixes.
        new iam.PolicyStatement({
          actions: ['s3:ListBucket'],
          resources: [this.bucket.bucketArn],
          conditions: { StringLike: { 's3:prefix': [`${CHUNKS_PREFIX}*`, `${MANIFEST_PREFIX}*`] } },
        }),
        new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: [embeddingModelArn] }),
      ],
    });

    const output = (name: string, value: string, description: string) =>
      new CfnOutput(this, name, { value, description });
    output('KnowledgeBaseId', this.knowledgeBase.attrKnowledgeBaseId, 'KB_KNOWLEDGE_BASE_ID');
    output('KnowledgeChainArn', this.chain.stateMachineArn, 'KB_CHAIN_STATE_MACHINE_ARN');
    output('DocumentsBucket', this.bucket.bucketName, `KB_BUCKET: the bot uploads chunks under ${CHUNKS_PREFIX}`);
    output('DataSourceId', dataSource.attrDataSourceId, 'KB_DATA_SOURCE_ID: the bot starts ingestion jobs on it');
    output('BotKnowledgePolicyArn', this.botPolicy.managedPolicyArn, 'Attach to the bot role');
  }
}
