using System.Runtime.InteropServices;
using OecCloudFw.Cli;

// Ctrl+C and SIGTERM cancel the running command, which stops cleanly, says what is still in flight (an armed rollback
// restores by itself) and exits 130. A second signal ends the process at once.
using var interrupt = new CancellationTokenSource();
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
return await CliApp.RunAsync(args, CliContext.FromProcess(), interrupt.Token);

void Interrupt(PosixSignalContext signal)
{
    if (!interrupt.IsCancellationRequested)
    {
        signal.Cancel = true;
        interrupt.Cancel();
    }
}
