package dev.cdkcustomruntime.bindingsapp;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.cdkcustomruntime.AlarmSettings;
import dev.cdkcustomruntime.CustomRuntimeFunction;
import dev.cdkcustomruntime.DeploymentOptions;
import dev.cdkcustomruntime.FunctionAlarmsOptions;
import dev.cdkcustomruntime.ProvisionedConcurrencySchedule;
import dev.cdkcustomruntime.ProvisionedConcurrencyScalingOptions;
import dev.cdkcustomruntime.RuntimeLayer;
import dev.cdkcustomruntime.ServiceInvokeOptions;
import dev.cdkcustomruntime.TrafficShift;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.applicationautoscaling.Schedule;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.sns.Topic;

/** The bindings app in Java: must synthesize exactly what test/bindings/typescript/app.ts does. */
public final class Main {
    public static void main(final String[] args) {
        Path fixtures = Path.of(System.getProperty("user.dir"), "..", "..", "fixtures").normalize();
        String handlerDir = fixtures.resolve("handlers/echo").toString();
        String runtimeDir = fixtures.resolve("runner/runtime").toString();

        App app = new App(AppProps.builder().analyticsReporting(false).build());
        Stack stack = new Stack(app, "BindingsApp", StackProps.builder()
                .env(Environment.builder().account("123456789012").region("us-east-1").build())
                .build());

        // The default function on the built-in shell runtime.
        CustomRuntimeFunction plain = CustomRuntimeFunction.Builder.create(stack, "Default")
                .code(Code.fromAsset(handlerDir))
                .handler("function.handler")
                .build();

        // A function on a runtime layer built from a directory.
        RuntimeLayer runtime = RuntimeLayer.Builder.create(stack, "OwnRuntime")
                .directory(runtimeDir)
                .compatibleArchitectures(List.of(Architecture.X86_64))
                .license("Apache-2.0")
                .build();
        CustomRuntimeFunction.Builder.create(stack, "OnOwnRuntime")
                .code(Code.fromAsset(handlerDir))
                .handler("function.handler")
                .runtimeLayer(runtime)
                .environment(Map.of("STAGE", "test"))
                .build();

        // A canary deployment whose alarms notify a topic.
        Topic onCall = new Topic(stack, "OnCall");
        CustomRuntimeFunction.Builder.create(stack, "Canary")
                .code(Code.fromAsset(handlerDir))
                .handler("function.handler")
                .timeout(Duration.seconds(10))
                .deployment(DeploymentOptions.builder().trafficShift(TrafficShift.canary(20, Duration.minutes(10))).build())
                .alarms(FunctionAlarmsOptions.builder()
                        .alarmTopic(onCall)
                        .errorRate(AlarmSettings.builder().threshold(2).build())
                        .throttles(AlarmSettings.builder().rollback(false).build())
                        .build())
                .build();

        // Provisioned concurrency on the alias, scaled with the load and on a schedule, shifted linearly.
        CustomRuntimeFunction.Builder.create(stack, "Scaled")
                .code(Code.fromAsset(handlerDir))
                .handler("function.handler")
                .reservedConcurrentExecutions(20)
                .provisionedConcurrentExecutions(2)
                .provisionedConcurrencyScaling(ProvisionedConcurrencyScalingOptions.builder()
                        .maxCapacity(10)
                        .utilizationTarget(0.6)
                        .schedules(List.of(ProvisionedConcurrencySchedule.builder()
                                .name("Mornings")
                                .schedule(Schedule.cron(software.amazon.awscdk.services.applicationautoscaling.CronOptions.builder()
                                        .hour("8").minute("0").build()))
                                .minCapacity(5)
                                .build()))
                        .build())
                .deployment(DeploymentOptions.builder().trafficShift(TrafficShift.LINEAR_10_PERCENT_EVERY_1_MINUTE).build())
                .build();

        // Who may invoke the default function's alias.
        Role caller = Role.Builder.create(stack, "Caller").assumedBy(new AccountRootPrincipal()).build();
        plain.grantInvoke(caller);
        Rule nightly = Rule.Builder.create(stack, "Nightly")
                .schedule(software.amazon.awscdk.services.events.Schedule.cron(software.amazon.awscdk.services.events.CronOptions.builder()
                        .hour("3").minute("0").build()))
                .build();
        plain.allowInvokeByService("Nightly", ServiceInvokeOptions.builder()
                .principal(new ServicePrincipal("events.amazonaws.com"))
                .sourceArn(nightly.getRuleArn())
                .build());
        plain.addFunctionUrl();
        // As a lambda.IFunction: the rule's target and its permission reach the alias.
        Rule.Builder.create(stack, "Hourly")
                .schedule(software.amazon.awscdk.services.events.Schedule.rate(Duration.hours(1)))
                .targets(List.of(new LambdaFunction(plain)))
                .build();

        app.synth();
    }
}
