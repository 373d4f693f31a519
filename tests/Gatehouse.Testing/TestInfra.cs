namespace Gatehouse.Testing;

/// <summary>
/// The real services integration tests use, announced by the environment variables that
/// <c>scripts/infra.sh env</c> prints (./test.sh sets them). A missing variable is a failure with
/// instructions, never a skip.
/// </summary>
public static class TestInfra
{
    public const string RabbitMqVariable = "GATEHOUSE_TEST_RABBITMQ";
    public const string RabbitMqManagementVariable = "GATEHOUSE_TEST_RABBITMQ_MANAGEMENT";
    public const string RabbitMqCtlVariable = "GATEHOUSE_TEST_RABBITMQ_CTL";
    public const string RedisVariable = "GATEHOUSE_TEST_REDIS";
    public const string RegistryVariable = "GATEHOUSE_TEST_REGISTRY";
    public const string RegistryLogVariable = "GATEHOUSE_TEST_REGISTRY_LOG";
    public const string WebhookPortVariable = "GATEHOUSE_TEST_WEBHOOK_PORT";
    public const string WebhookTokenVariable = "GATEHOUSE_TEST_WEBHOOK_TOKEN";
    public const string ImagesVariable = "GATEHOUSE_TEST_IMAGES";
    public const string PlatformImagesVariable = "GATEHOUSE_TEST_PLATFORM_IMAGES";

    private const string HowToStart =
        "run ./test.sh, or `scripts/infra.sh start` and `eval $(scripts/infra.sh env)` before `dotnet test`";

    /// <summary>AMQP URI of the local RabbitMQ (amqp://guest:guest@127.0.0.1:5672/).</summary>
    public static Uri RabbitMq => new(Require(RabbitMqVariable, "the local RabbitMQ AMQP URI"));

    public static Uri RabbitMqManagement => new(Require(RabbitMqManagementVariable, "the local RabbitMQ management URL"));

    /// <summary>Path of rabbitmqctl for the local broker (tests that stop or inspect it).</summary>
    public static string RabbitMqCtl => Require(RabbitMqCtlVariable, "the rabbitmqctl of the local RabbitMQ");

    /// <summary>host:port of the local Redis.</summary>
    public static string Redis => Require(RedisVariable, "the local Redis (host:port)");

    /// <summary>host:port of the local Docker Distribution registry (e.g. 127.0.0.1:5000).</summary>
    public static string Registry => Require(RegistryVariable, "the local OCI registry (host:port)");

    public static string RegistryLog => Require(RegistryLogVariable, "the local registry's log file");

    /// <summary>Port the registry sends push notifications to.</summary>
    public static int WebhookPort => int.Parse(Require(WebhookPortVariable, "the registry notification port"));

    /// <summary>Bearer token the registry puts in its notifications.</summary>
    public static string WebhookToken => Require(WebhookTokenVariable, "the registry notification token");

    /// <summary>Folder of prebuilt real images as OCI layouts (e.g. <c>debian12/</c>, tag 12).</summary>
    public static string ImagesDirectory
    {
        get
        {
            var directory = Require(ImagesVariable, "the folder of prebuilt test images");
            return Directory.Exists(directory)
                ? directory
                : throw new InvalidOperationException(
                    $"{ImagesVariable}={directory} does not exist (build it with scripts/build-test-images.sh); {HowToStart}.");
        }
    }

    /// <summary>
    /// The digests file of <c>scripts/build-platform-images.sh</c> (Gatehouse's own five service images, pushed to the
    /// local registry by ./test.sh): tab-separated service, image, digest, tag; <c>#</c> lines are comments.
    /// </summary>
    public static string PlatformImagesFile
    {
        get
        {
            var file = Require(PlatformImagesVariable, "the digests file of Gatehouse's own images");
            return File.Exists(file)
                ? file
                : throw new InvalidOperationException(
                    $"{PlatformImagesVariable}={file} does not exist: build and push the images with " +
                    $"`scripts/build-platform-images.sh --out {file}` (./test.sh does), with the registry running.");
        }
    }

    /// <summary>The value of <paramref name="variable"/>, or a failure that says how to provide it.</summary>
    public static string Require(string variable, string what)
    {
        var value = Environment.GetEnvironmentVariable(variable);
        return string.IsNullOrWhiteSpace(value)
            ? throw new InvalidOperationException($"{variable} is not set ({what}, needed by integration tests): {HowToStart}.")
            : value.Trim();
    }
}
