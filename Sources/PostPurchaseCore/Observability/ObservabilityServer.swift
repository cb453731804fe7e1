import Foundation
import Hummingbird
import Logging
import Prometheus

/// Serves `/health/live`, `/health/ready` and Prometheus `/metrics` (Hummingbird).
public enum ObservabilityServer {
    /// The HTTP application; it is a `Service` to add to the worker's service group.
    public static func make(
        host: String, port: Int, health: WorkerHealth, registry: PrometheusCollectorRegistry, logger: Logger
    ) -> some ApplicationProtocol {
        let router = Router()
        router.get("/health/live") { _, _ -> Response in
            let running = health.snapshot.pipelineRunning || health.snapshot.lastError == nil
            return jsonResponse(running ? .ok : .serviceUnavailable, ["status": running ? "live" : "failed"])
        }
        router.get("/health/ready") { _, _ -> Response in
            let snapshot = health.snapshot
            let body = (try? JSONEncoder().encode(ReadyBody(snapshot: snapshot))) ?? Data()
            return Response(
                status: snapshot.ready ? .ok : .serviceUnavailable,
                headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
        router.get("/metrics") { _, _ -> Response in
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in
                health.setHTTPPort(channel.localAddress?.port)
                logger.info("serving health and metrics", metadata: ["http.port": "\(channel.localAddress?.port ?? -1)"])
            },
            logger: logger)
    }

    private struct ReadyBody: Encodable {
        var status: String
        var storeOpen: Bool
        var pipelineRunning: Bool
        var assignedPartitions: [String]
        var lastError: String?
        init(snapshot: WorkerHealth.Snapshot) {
            status = snapshot.ready ? "ready" : "not ready"
            storeOpen = snapshot.storeOpen
            pipelineRunning = snapshot.pipelineRunning
            assignedPartitions = snapshot.assignedPartitions
            lastError = snapshot.lastError
        }
    }

    private static func jsonResponse(_ status: HTTPResponse.Status, _ body: [String: String]) -> Response {
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
