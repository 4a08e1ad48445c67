package org.apache.kafka.common.utils;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Bench only: Parallel Consumer 0.5.3.3 (the io scenario's peer, built against Kafka 3 clients)
 * decodes compressed offset metadata through this class, which Kafka 4's clients moved to {@code
 * org.apache.kafka.common.utils.internals} (and made final). This one, at the old name, reads
 * through the moved one.
 */
public final class ByteBufferInputStream extends InputStream {
  private final org.apache.kafka.common.utils.internals.ByteBufferInputStream in;

  public ByteBufferInputStream(ByteBuffer buffer) {
    this.in = new org.apache.kafka.common.utils.internals.ByteBufferInputStream(buffer);
  }

  @Override
  public int read() {
    return in.read();
  }

  @Override
  public int read(byte[] bytes, int off, int len) {
    return in.read(bytes, off, len);
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }
}
