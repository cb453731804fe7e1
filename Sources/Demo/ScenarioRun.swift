import Foundation
import Logging
import PostPurchaseCore

/// Plays a planned store against a running ``DemoCluster`` in simulated time: publishes each
/// event when its time comes, answers the workers' outputs, applies faults on a schedule, and
/// collects everything the workers published.
public struct ScenarioRun {
    /// A fault to inject at a simulated time.
    public enum Fault: Sendable {
        /// `kill -9` an instance; start it again after `downSeconds` real seconds unless nil.
        case crash(String, downSeconds: TimeInterval?)
        /// Start one more instance of a role (joins the group: a rebalance).
        case start(WorkerRole, instance: Int, staticMembership: Bool)
        /// Stop an instance with SIGTERM (leaves the group: a rebalance).
        case stop(String)
    }

    /// What a run saw.
    public struct Result: Sendable {
        public var outputs: [ObservedOutput]
        public var inputs: [String: [(at: Date, label: String)]]
        public var published: Int
        /// Set when an instance exited on its own.
        public var failure: String?
    }

    public var simulator: StoreSimulator
    /// Simulated time at which to stop (once every planned event is out and outputs are quiet).
    public var horizon: Date
    /// Faults by simulated time.
    public var faults: [(at: Date, fault: Fault)] = []
    /// Real seconds without new outputs that count as quiet.
    public var quietSeconds: TimeInterval = 3

    public init(simulator: StoreSimulator, horizon: Date) {
        self.simulator = simulator
        self.horizon = horizon
    }

    /// Runs until the horizon; `progress` is called about every two seconds.
    public mutating func run(
        on cluster: DemoCluster, logger: Logger, stop: StopSignal? = nil, progress: ((_ now: Date, _ result: Result) -> Void)? = nil
    ) throws -> Result {
        let reader = try cluster.outputReader(logger: logger)
        var result = Result(outputs: [], inputs: [:], published: 0)
        var lastProgress = Date.distantPast
        var lastOutputAt = Date()
        var faults = self.faults.sorted { $0.at < $1.at }
        var restarts: [(at: Date, name: String)] = []
        while stop?.isStopped != true {
            let now = cluster.clock.now()
            while let next = faults.first, next.at <= now {
                faults.removeFirst()
                switch next.fault {
                case .crash(let name, let down):
                    cluster.crash(name)
                    if let down { restarts.append((Date().addingTimeInterval(down), name)) }
                case .start(let role, let instance, let staticMembership):
                    try cluster.start(role, instance: instance, staticMembership: staticMembership)
                case .stop(let name):
                    cluster.stop(name)
                }
            }
            for restart in restarts where restart.at <= Date() {
                let parts = restart.name.split(separator: "#")
                if let role = WorkerRole(rawValue: String(parts[0])), let instance = Int(parts.last ?? "1") {
                    try cluster.start(role, instance: instance)
                }
            }
            restarts.removeAll { $0.at <= Date() }
            let due = simulator.due(by: now)
            try cluster.publish(due)
            result.published += due.count
            for event in due { if let orderId = event.orderId { result.inputs[orderId, default: []].append((event.at, event.label)) } }
            let arrived = try reader.poll()
            for output in arrived { try simulator.react(to: output) }
            result.outputs += arrived
            if !arrived.isEmpty { lastOutputAt = Date() }
            if let exit = cluster.unexpectedExit() {
                result.failure = exit
                break
            }
            if let progress, Date().timeIntervalSince(lastProgress) >= 2 {
                lastProgress = Date()
                progress(now, result)
            }
            if now >= horizon && simulator.pendingCount == 0 && faults.isEmpty && restarts.isEmpty
                && Date().timeIntervalSince(lastOutputAt) > quietSeconds {
                break
            }
        }
        return result
    }
}
