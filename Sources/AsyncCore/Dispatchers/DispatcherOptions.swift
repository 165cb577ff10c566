/// Settings few dispatchers change, kept out of line: a dispatcher that
/// keeps the defaults, as most connections do, pays one reference for all.
final class DispatcherOptions {
    var ignoredLogTypes = Dispatcher.defaultIgnoredLogTypes
    var proxyProtocol: ProxyProtocol?
}
