import Foundation
import PostPurchaseCore

/// The follow-up worker: durable, timed follow-ups at the right moment, in the customer's
/// language, never annoying (issue 4). Reads `orders` and `shipment-updates`, emits on `notifications`.
public struct FollowupWorker: RoleWorker {
    public static let role = WorkerRole.followup

    /// The decisions.
    public let planner: FollowupPlanner

    /// A worker rendering messages with `composer` under `policy`.
    public init(composer: NotificationComposer, policy: FollowupPolicy = FollowupPolicy()) throws {
        planner = try FollowupPlanner(source: WorkerRole.followup.name, composer: composer, policy: policy)
    }

    /// Loads the templates (``PostPurchaseCore/NotificationComposer/fromEnvironment(required:environment:)``);
    /// a missing template or an invalid policy stops start-up.
    public static func fromEnvironment(
        policy: FollowupPolicy, _ environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> FollowupWorker {
        try FollowupWorker(
            composer: try NotificationComposer.fromEnvironment(required: FollowupMessages.templates, environment: environment), policy: policy)
    }

    public func handle(_ input: WorkerInput, context: inout WorkerContext) throws -> HandleOutcome {
        try planner.handle(input, context: &context)
    }

    public func fire(_ timer: DurableTimer, context: inout WorkerContext) throws {
        try planner.fire(timer, context: &context)
    }
}
