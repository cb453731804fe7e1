import Foundation
import PostPurchaseCore

/// The loyalty worker: an exact points ledger tied to deliveries, returns, reviews and service
/// recovery (issue 6). Reads `orders`, `shipment-updates` and `return-updates`; emits on
/// `loyalty-updates` and `notifications`.
public struct LoyaltyWorker: RoleWorker {
    public static let role = WorkerRole.loyalty

    /// The decisions.
    public let program: LoyaltyProgram

    /// A worker with `policy` (validated here, so a bad range stops start-up), rendering messages with `composer`.
    public init(composer: NotificationComposer, policy: LoyaltyPolicy = LoyaltyPolicy()) throws {
        try policy.validate()
        program = LoyaltyProgram(source: WorkerRole.loyalty.name, composer: composer, policy: policy)
    }

    /// Loads the templates (``NotificationComposer/fromEnvironment(required:environment:)``); a
    /// missing template or an invalid policy stops start-up.
    public static func fromEnvironment(
        policy: LoyaltyPolicy, _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> LoyaltyWorker {
        try LoyaltyWorker(composer: try NotificationComposer.fromEnvironment(required: LoyaltyMessages.templates, environment: environment), policy: policy)
    }

    public func handle(_ input: WorkerInput, context: inout WorkerContext) throws -> HandleOutcome {
        try program.handle(input, context: &context)
    }

    public func fire(_ timer: DurableTimer, context: inout WorkerContext) throws {
        try program.fire(timer, context: &context)
    }

    /// Decodes each input's data ahead of its batch, on every core (``LoyaltyInput``); failures
    /// are kept for the handler, which meets them in order and rejects the input.
    public func prepare(_ input: WorkerInput) -> (any Sendable)? {
        Result<LoyaltyInput?, any Error> { try input.event.flatMap(LoyaltyInput.decode) }
    }

    /// Reads ahead the order and account an input's handler loads (``LoyaltyProgram/readAhead(_:context:)``).
    public func readAhead(_ input: WorkerInput, context: inout WorkerContext) throws {
        try program.readAhead(input, context: &context)
    }
}
