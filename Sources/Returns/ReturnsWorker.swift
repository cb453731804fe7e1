import Foundation
import PostPurchaseCore

/// The returns worker: return policy, approvals, labels, return tracking, refunds, store credit
/// and exchanges (issue 5). Reads `orders` and `shipment-updates`, emits on `return-updates` and
/// `notifications`.
public struct ReturnsWorker: RoleWorker {
    public static let role = WorkerRole.returns

    /// The decisions.
    public let desk: ReturnDesk

    /// A worker applying `policy` and rendering messages with `composer`.
    public init(composer: NotificationComposer, policy: ReturnPolicy = ReturnPolicy()) {
        desk = ReturnDesk(source: WorkerRole.returns.name, composer: composer, policy: policy)
    }

    public func handle(_ input: WorkerInput, context: inout WorkerContext) throws -> HandleOutcome {
        try desk.handle(input, context: &context)
    }

    public func fire(_ timer: DurableTimer, context: inout WorkerContext) throws {
        try desk.fire(timer, context: &context)
    }
}
