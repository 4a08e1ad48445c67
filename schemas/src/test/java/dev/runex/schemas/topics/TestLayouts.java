package dev.runex.schemas.topics;

/** The topic layout of the default configuration, for tests of the registry alone. */
final class TestLayouts {
  static final TopicLayout DEFAULT =
      new TopicLayout("runex.", OutputFormat.AVRO, 6, (short) 1, 7L * 24 * 3600 * 1000);

  private TestLayouts() {}
}
