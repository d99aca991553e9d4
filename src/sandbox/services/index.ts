import type { ServiceImpl } from '../service.js';
import { stsService } from './sts.js';
import { iamService } from './iam.js';
import { organizationsService } from './organizations.js';
import { ec2Service } from './ec2.js';
import { s3Service } from './s3.js';
import { costExplorerService } from './cost-explorer.js';
import { cloudTrailService } from './cloudtrail.js';
import { lambdaService } from './lambda.js';
import { rdsService } from './rds.js';
import { ecsService } from './ecs.js';
import { eksService } from './eks.js';
import { dynamodbService } from './dynamodb.js';
import { configService } from './config-service.js';

/** Every service the sandbox answers, found by SigV4 signing name. */
export const ALL_SERVICES: readonly ServiceImpl[] = [
  stsService,
  iamService,
  organizationsService,
  ec2Service,
  s3Service,
  costExplorerService,
  cloudTrailService,
  lambdaService,
  rdsService,
  ecsService,
  eksService,
  dynamodbService,
  configService,
];
