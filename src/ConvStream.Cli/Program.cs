return ConvStream.Cli.CliApp.Run(args);
