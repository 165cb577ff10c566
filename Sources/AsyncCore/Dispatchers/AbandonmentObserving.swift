/// A dispatcher that must hear when its loop goes away while it is still
/// open: it may have tasks waiting on it. It hears it once its descriptor
/// is closed, from the loop's deinitializer, so it must not touch the loop.
package protocol AbandonmentObserving: AnyObject {
    func wasAbandoned()
}
