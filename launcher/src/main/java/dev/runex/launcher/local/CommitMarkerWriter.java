package dev.runex.launcher.local;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData.WritableTxnMarkerPartitionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * Writes a commit marker for a producer's open transaction on one partition: the same request a
 * transaction coordinator sends to a partition leader, and that Kafka's admin client sends for an
 * abort ({@code Admin#abortTransaction}, which offers no commit). For a transaction its coordinator
 * committed but whose marker never reached the partition.
 */
final class CommitMarkerWriter {
  private static final String CLIENT_ID = "runex-hanging-transaction-guard";
  private static final int TIMEOUT_MS = 10_000;

  private CommitMarkerWriter() {}

  /**
   * Commits the open transaction of {@code producerId} (its records' {@code producerEpoch}, the
   * partition's {@code coordinatorEpoch}) on {@code partition}, whose leader is {@code leader}.
   */
  static void commit(
      Node leader,
      TopicPartition partition,
      long producerId,
      short producerEpoch,
      int coordinatorEpoch)
      throws IOException {
    WriteTxnMarkersRequestData data = new WriteTxnMarkersRequestData();
    data.markers()
        .add(
            new WritableTxnMarker()
                .setProducerId(producerId)
                .setProducerEpoch(producerEpoch)
                .setCoordinatorEpoch(coordinatorEpoch)
                .setTransactionResult(true)
                .setTopics(
                    List.of(
                        new WritableTxnMarkerTopic()
                            .setName(partition.topic())
                            .setPartitionIndexes(List.of(partition.partition())))));
    short version = ApiKeys.WRITE_TXN_MARKERS.latestVersion();
    RequestHeader header = new RequestHeader(ApiKeys.WRITE_TXN_MARKERS, version, CLIENT_ID, 1);
    ByteBuffer request =
        new WriteTxnMarkersRequest.Builder(data).build(version).serializeWithHeader(header);
    WriteTxnMarkersResponse response;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(leader.host(), leader.port()), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      byte[] bytes = new byte[request.remaining()];
      request.get(bytes);
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      byte[] answer = in.readNBytes(in.readInt());
      response =
          (WriteTxnMarkersResponse) AbstractResponse.parseResponse(ByteBuffer.wrap(answer), header);
    }
    Errors error =
        response.data().markers().stream()
            .flatMap(m -> m.topics().stream())
            .flatMap(t -> t.partitions().stream())
            .map(WritableTxnMarkerPartitionResult::errorCode)
            .map(Errors::forCode)
            .filter(e -> e != Errors.NONE)
            .findFirst()
            .orElse(Errors.NONE);
    if (error != Errors.NONE) {
      throw error.exception(
          "commit marker for producer " + producerId + " on " + partition + " refused");
    }
  }
}
