package dev.runex.workers.internal.execution.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * A response body kept up to {@code cap} bytes: the rest is read (so the total is known and the
 * connection stays reusable) and dropped, never buffered.
 *
 * @param bytes the first {@code cap} bytes
 * @param total every byte the server sent
 * @param truncated whether bytes were dropped
 */
record CappedBody(byte[] bytes, long total, boolean truncated) {

  String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** A body subscriber keeping the first {@code cap} bytes. */
  static BodySubscriber<CappedBody> subscriber(long cap) {
    return new Subscriber((int) Math.min(Integer.MAX_VALUE - 8, cap));
  }

  private static final class Subscriber implements BodySubscriber<CappedBody> {
    private final CompletableFuture<CappedBody> result = new CompletableFuture<>();
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private final int cap;
    private long total;
    private Flow.Subscription subscription;

    Subscriber(int cap) {
      this.cap = cap;
    }

    @Override
    public CompletionStage<CappedBody> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        int n = b.remaining();
        total += n;
        int room = cap - kept.size();
        if (room > 0) {
          byte[] chunk = new byte[Math.min(room, n)];
          b.get(chunk);
          kept.write(chunk, 0, chunk.length);
        }
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(new CappedBody(kept.toByteArray(), total, total > cap));
    }
  }
}
