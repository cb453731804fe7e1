import Foundation
import PostPurchaseCore

/// The tracking worker: carrier updates → canonical shipment status, customer messages and delay
/// detection (issue 3). Reads `orders` and `carrier-events` (raw webhooks accepted), emits on
/// `shipment-updates` and `notifications`.
public struct TrackingWorker: RoleWorker {
    public static let role = WorkerRole.tracking

    /// The decisions.
    public let tracker: ShipmentTracker

    /// A worker rendering messages with `composer`.
    public init(composer: NotificationComposer, settings: TrackingSettings = TrackingSettings()) {
        tracker = ShipmentTracker(source: WorkerRole.tracking.name, composer: composer, settings: settings)
    }

    /// Loads the templates (``NotificationComposer/fromEnvironment(required:environment:)``) and the
    /// settings from the environment; a missing template or a bad setting stops start-up.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TrackingWorker {
        TrackingWorker(
            composer: try NotificationComposer.fromEnvironment(required: TrackingMessages.templates, environment: environment),
            settings: try TrackingSettings.fromEnvironment(environment))
    }

    public func handle(_ input: WorkerInput, context: inout WorkerContext) throws -> HandleOutcome {
        try tracker.handle(input, context: &context)
    }

    public func fire(_ timer: DurableTimer, context: inout WorkerContext) throws {
        try tracker.fire(timer, context: &context)
    }

    /// Reads ahead what a carrier update's handler loads (see ``ShipmentTracker/readAhead(_:context:)``).
    public func readAhead(_ input: WorkerInput, context: inout WorkerContext) throws {
        try tracker.readAhead(input, context: &context)
    }

    /// Parses carrier webhooks ahead of their batch, on every core (see ``ShipmentTracker/prepare(_:)``).
    public func prepare(_ input: WorkerInput) -> (any Sendable)? {
        ShipmentTracker.prepare(input)
    }
}
