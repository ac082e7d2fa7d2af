import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';

/**
 * A metric of the `AWS/Lambda` namespace for one alias: dimensions `FunctionName` and
 * `Resource` = `<function name>:<alias name>`.
 *
 * Built from the function's name and the alias's name only, never from the alias resource, so an
 * alarm on it does not depend on the alias, and a deployment group that lists the alarm and the
 * alias that names the deployment group in its update policy form no cycle (aws-cdk #2231, #13922).
 */
export function aliasMetric(functionName: string, aliasName: string, metricName: string, options: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName,
    ...options,
    dimensionsMap: { FunctionName: functionName, Resource: `${functionName}:${aliasName}`, ...options.dimensionsMap },
  });
}

/** The error rate of an alias, in percent of its invocations, from two metrics with the same period. */
export function errorRateExpression(errors: cloudwatch.IMetric, invocations: cloudwatch.IMetric,
  options: cloudwatch.MathExpressionOptions = {}): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: '100 * errors / invocations',
    usingMetrics: { errors, invocations },
    label: 'Error rate (%)',
    ...options,
  });
}
