import * as lambda from 'aws-cdk-lib/aws-lambda';

/** The Lambda runtimes that run a custom runtime (`bootstrap`): Amazon Linux 2023 first. */
export const CUSTOM_RUNTIMES = [lambda.Runtime.PROVIDED_AL2023, lambda.Runtime.PROVIDED_AL2];
