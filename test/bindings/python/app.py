#!/usr/bin/env python3
"""The bindings app in Python: must synthesize exactly what test/bindings/typescript/app.ts does."""
import os

import aws_cdk as cdk
from aws_cdk import aws_applicationautoscaling as appscaling
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_sns as sns

import cdk_custom_runtime as crt

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "fixtures")
HANDLER_DIR = os.path.join(FIXTURES, "handlers", "echo")
RUNTIME_DIR = os.path.join(FIXTURES, "runner", "runtime")

app = cdk.App(analytics_reporting=False)
stack = cdk.Stack(app, "BindingsApp", env=cdk.Environment(account="123456789012", region="us-east-1"))

# The default function on the built-in shell runtime.
plain = crt.CustomRuntimeFunction(stack, "Default",
    code=lambda_.Code.from_asset(HANDLER_DIR),
    handler="function.handler",
)

# A function on a runtime layer built from a directory.
runtime = crt.RuntimeLayer(stack, "OwnRuntime",
    directory=RUNTIME_DIR,
    compatible_architectures=[lambda_.Architecture.X86_64],
    license="Apache-2.0",
)
crt.CustomRuntimeFunction(stack, "OnOwnRuntime",
    code=lambda_.Code.from_asset(HANDLER_DIR),
    handler="function.handler",
    runtime_layer=runtime,
    environment={"STAGE": "test"},
)

# A canary deployment whose alarms notify a topic.
on_call = sns.Topic(stack, "OnCall")
crt.CustomRuntimeFunction(stack, "Canary",
    code=lambda_.Code.from_asset(HANDLER_DIR),
    handler="function.handler",
    timeout=cdk.Duration.seconds(10),
    deployment=crt.DeploymentOptions(traffic_shift=crt.TrafficShift.canary(20, cdk.Duration.minutes(10))),
    alarms=crt.FunctionAlarmsOptions(
        alarm_topic=on_call,
        error_rate=crt.AlarmSettings(threshold=2),
        throttles=crt.AlarmSettings(rollback=False),
    ),
)

# Provisioned concurrency on the alias, scaled with the load and on a schedule, shifted linearly.
crt.CustomRuntimeFunction(stack, "Scaled",
    code=lambda_.Code.from_asset(HANDLER_DIR),
    handler="function.handler",
    reserved_concurrent_executions=20,
    provisioned_concurrent_executions=2,
    provisioned_concurrency_scaling=crt.ProvisionedConcurrencyScalingOptions(
        max_capacity=10,
        utilization_target=0.6,
        schedules=[crt.ProvisionedConcurrencySchedule(
            name="Mornings", schedule=appscaling.Schedule.cron(hour="8", minute="0"), min_capacity=5)],
    ),
    deployment=crt.DeploymentOptions(traffic_shift=crt.TrafficShift.LINEAR_10_PERCENT_EVERY_1_MINUTE),
)

# Who may invoke the default function's alias.
caller = iam.Role(stack, "Caller", assumed_by=iam.AccountRootPrincipal())
plain.grant_invoke(caller)
nightly = events.Rule(stack, "Nightly", schedule=events.Schedule.cron(hour="3", minute="0"))
plain.allow_invoke_by_service("Nightly", principal=iam.ServicePrincipal("events.amazonaws.com"), source_arn=nightly.rule_arn)
plain.add_function_url()
# As a lambda.IFunction: the rule's target and its permission reach the alias.
events.Rule(stack, "Hourly", schedule=events.Schedule.rate(cdk.Duration.hours(1)), targets=[targets.LambdaFunction(plain)])

app.synth()
