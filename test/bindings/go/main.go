// The bindings app in Go: must synthesize exactly what test/bindings/typescript/app.ts does.
package main

import (
	"path/filepath"
	"runtime"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapplicationautoscaling"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/aws-cdk-go/awscdk/v2/awseventstargets"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslambda"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssns"
	"github.com/aws/jsii-runtime-go"
	crt "github.com/cdk-custom-runtime/cdk-custom-runtime-go/cdkcustomruntime"
)

func main() {
	defer jsii.Close()

	_, source, _, _ := runtime.Caller(0)
	fixtures := filepath.Join(filepath.Dir(source), "..", "..", "fixtures")
	handlerDir := filepath.Join(fixtures, "handlers", "echo")
	runtimeDir := filepath.Join(fixtures, "runner", "runtime")

	app := awscdk.NewApp(&awscdk.AppProps{AnalyticsReporting: jsii.Bool(false)})
	stack := awscdk.NewStack(app, jsii.String("BindingsApp"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("us-east-1")},
	})

	// The default function on the built-in shell runtime.
	plain := crt.NewCustomRuntimeFunction(stack, jsii.String("Default"), &crt.CustomRuntimeFunctionProps{
		Code:    awslambda.Code_FromAsset(jsii.String(handlerDir), nil),
		Handler: jsii.String("function.handler"),
	})

	// A function on a runtime layer built from a directory.
	ownRuntime := crt.NewRuntimeLayer(stack, jsii.String("OwnRuntime"), &crt.RuntimeLayerProps{
		Directory:               jsii.String(runtimeDir),
		CompatibleArchitectures: &[]awslambda.Architecture{awslambda.Architecture_X86_64()},
		License:                 jsii.String("Apache-2.0"),
	})
	crt.NewCustomRuntimeFunction(stack, jsii.String("OnOwnRuntime"), &crt.CustomRuntimeFunctionProps{
		Code:         awslambda.Code_FromAsset(jsii.String(handlerDir), nil),
		Handler:      jsii.String("function.handler"),
		RuntimeLayer: ownRuntime,
		Environment:  &map[string]*string{"STAGE": jsii.String("test")},
	})

	// A canary deployment whose alarms notify a topic.
	onCall := awssns.NewTopic(stack, jsii.String("OnCall"), nil)
	crt.NewCustomRuntimeFunction(stack, jsii.String("Canary"), &crt.CustomRuntimeFunctionProps{
		Code:       awslambda.Code_FromAsset(jsii.String(handlerDir), nil),
		Handler:    jsii.String("function.handler"),
		Timeout:    awscdk.Duration_Seconds(jsii.Number(10)),
		Deployment: &crt.DeploymentOptions{TrafficShift: crt.TrafficShift_Canary(jsii.Number(20), awscdk.Duration_Minutes(jsii.Number(10)))},
		Alarms: &crt.FunctionAlarmsOptions{
			AlarmTopic: onCall,
			ErrorRate:  &crt.AlarmSettings{Threshold: jsii.Number(2)},
			Throttles:  &crt.AlarmSettings{Rollback: jsii.Bool(false)},
		},
	})

	// Provisioned concurrency on the alias, scaled with the load and on a schedule, shifted linearly.
	crt.NewCustomRuntimeFunction(stack, jsii.String("Scaled"), &crt.CustomRuntimeFunctionProps{
		Code:                            awslambda.Code_FromAsset(jsii.String(handlerDir), nil),
		Handler:                         jsii.String("function.handler"),
		ReservedConcurrentExecutions:    jsii.Number(20),
		ProvisionedConcurrentExecutions: jsii.Number(2),
		ProvisionedConcurrencyScaling: &crt.ProvisionedConcurrencyScalingOptions{
			MaxCapacity:       jsii.Number(10),
			UtilizationTarget: jsii.Number(0.6),
			Schedules: &[]*crt.ProvisionedConcurrencySchedule{{
				Name:        jsii.String("Mornings"),
				Schedule:    awsapplicationautoscaling.Schedule_Cron(&awsapplicationautoscaling.CronOptions{Hour: jsii.String("8"), Minute: jsii.String("0")}),
				MinCapacity: jsii.Number(5),
			}},
		},
		Deployment: &crt.DeploymentOptions{TrafficShift: crt.TrafficShift_LINEAR_10PERCENT_EVERY_1MINUTE()},
	})

	// Who may invoke the default function's alias.
	caller := awsiam.NewRole(stack, jsii.String("Caller"), &awsiam.RoleProps{AssumedBy: awsiam.NewAccountRootPrincipal()})
	plain.GrantInvoke(caller)
	nightly := awsevents.NewRule(stack, jsii.String("Nightly"), &awsevents.RuleProps{
		Schedule: awsevents.Schedule_Cron(&awsevents.CronOptions{Hour: jsii.String("3"), Minute: jsii.String("0")}),
	})
	plain.AllowInvokeByService(jsii.String("Nightly"), &crt.ServiceInvokeOptions{
		Principal: awsiam.NewServicePrincipal(jsii.String("events.amazonaws.com"), nil),
		SourceArn: nightly.RuleArn(),
	})
	plain.AddFunctionUrl(nil)
	// As a lambda.IFunction: the rule's target and its permission reach the alias.
	awsevents.NewRule(stack, jsii.String("Hourly"), &awsevents.RuleProps{
		Schedule: awsevents.Schedule_Rate(awscdk.Duration_Hours(jsii.Number(1))),
		Targets:  &[]awsevents.IRuleTarget{awseventstargets.NewLambdaFunction(plain, nil)},
	})

	app.Synth(nil)
}
