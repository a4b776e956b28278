using OecCloudFw.Cli;

return await CliApp.RunAsync(args, CliContext.FromProcess());
