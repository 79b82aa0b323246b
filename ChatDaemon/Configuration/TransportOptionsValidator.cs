using Microsoft.Extensions.Options;

namespace ChatDaemon.Configuration;

internal sealed class TransportOptionsValidator : IValidateOptions<TransportOptions>
{
    public ValidateOptionsResult Validate(string? name, TransportOptions options)
    {
        if (!Enum.IsDefined(options.Kind))
        {
            return ValidateOptionsResult.Fail($"Transport:Kind: {(int)options.Kind} is not one of Epoll, Sockets");
        }

        if (options.EventLoops is < 0 or > 256)
        {
            return ValidateOptionsResult.Fail($"Transport:EventLoops: {options.EventLoops} is out of range (0 to 256; 0 means half the CPUs)");
        }

        return ValidateOptionsResult.Success;
    }
}
