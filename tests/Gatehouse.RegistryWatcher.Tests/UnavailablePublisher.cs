using MassTransit;

namespace Gatehouse.RegistryWatcher.Tests;

/// <summary>A publish endpoint whose broker never answers: every publish waits until it is cancelled.</summary>
internal sealed class UnavailablePublisher : IPublishEndpoint
{
    public ConnectHandle ConnectPublishObserver(IPublishObserver observer) => throw new NotSupportedException();

    public Task Publish<T>(T message, CancellationToken cancellationToken = default) where T : class =>
        Task.Delay(Timeout.Infinite, cancellationToken);

    public Task Publish<T>(T message, IPipe<PublishContext<T>> publishPipe, CancellationToken cancellationToken = default) where T : class =>
        Publish(message, cancellationToken);

    public Task Publish<T>(T message, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) where T : class =>
        Publish(message, cancellationToken);

    public Task Publish(object message, CancellationToken cancellationToken = default) => Publish<object>(message, cancellationToken);

    public Task Publish(object message, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) =>
        Publish(message, cancellationToken);

    public Task Publish(object message, Type messageType, CancellationToken cancellationToken = default) => Publish(message, cancellationToken);

    public Task Publish(object message, Type messageType, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) =>
        Publish(message, cancellationToken);

    public Task Publish<T>(object values, CancellationToken cancellationToken = default) where T : class => Publish(values, cancellationToken);

    public Task Publish<T>(object values, IPipe<PublishContext<T>> publishPipe, CancellationToken cancellationToken = default) where T : class =>
        Publish(values, cancellationToken);

    public Task Publish<T>(object values, IPipe<PublishContext> publishPipe, CancellationToken cancellationToken = default) where T : class =>
        Publish(values, cancellationToken);
}
