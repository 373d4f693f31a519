using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.ServiceDefaults;

/// <summary>Infrastructure settings shared by every service (section <c>Gatehouse</c>).</summary>
public sealed class GatehouseOptions
{
    public const string Section = "Gatehouse";

    /// <summary>AMQP URL of RabbitMQ, e.g. <c>amqp://guest:guest@127.0.0.1:5672/</c>. Empty: in-memory bus (embedded default).</summary>
    public string? RabbitMqUrl { get; set; }

    /// <summary>StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>. Empty: in-memory store (embedded default).</summary>
    public string? Redis { get; set; }

    public BusRetryOptions Retry { get; set; } = new();

    /// <summary>
    /// Use broker-delayed redelivery after the in-process retries. Needs RabbitMQ's delayed-message-exchange
    /// plugin, which Debian's package does not ship, so it is off by default.
    /// </summary>
    public bool DelayedRedelivery { get; set; }

    /// <summary>
    /// Reads and validates the section while services are being registered: the bus and the store are wired
    /// from it before the host starts, so a bad URL must fail here with the same message as ValidateOnStart.
    /// </summary>
    public static GatehouseOptions ReadValidated(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<GatehouseOptions>() ?? new GatehouseOptions();
        var result = new GatehouseOptionsValidator().Validate(null, options);
        if (result.Failed) throw new OptionsValidationException(Section, typeof(GatehouseOptions), result.Failures);
        return options;
    }

    public bool UsesRabbitMq => !string.IsNullOrWhiteSpace(RabbitMqUrl);
    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);
}

/// <summary>In-process retries with exponential backoff before a message goes to the error queue.</summary>
public sealed class BusRetryOptions
{
    public int Limit { get; set; } = 5;
    public TimeSpan MinInterval { get; set; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(10);
    public TimeSpan Delta { get; set; } = TimeSpan.FromMilliseconds(400);
}

internal sealed class GatehouseOptionsValidator : IValidateOptions<GatehouseOptions>
{
    public ValidateOptionsResult Validate(string? name, GatehouseOptions options)
    {
        var errors = new List<string>();
        if (options.UsesRabbitMq &&
            (!Uri.TryCreate(options.RabbitMqUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("amqp" or "amqps")))
            errors.Add($"Gatehouse:RabbitMqUrl '{options.RabbitMqUrl}' is not an amqp:// or amqps:// URL.");
        if (options.Retry.Limit is < 0 or > 20)
            errors.Add($"Gatehouse:Retry:Limit must be between 0 and 20 (was {options.Retry.Limit}).");
        if (options.Retry.MinInterval <= TimeSpan.Zero || options.Retry.MaxInterval < options.Retry.MinInterval)
            errors.Add("Gatehouse:Retry intervals must be positive with MaxInterval >= MinInterval.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
