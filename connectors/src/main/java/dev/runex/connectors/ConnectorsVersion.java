package dev.runex.connectors;

/** The version Connect shows for our plugins ({@code GET /connector-plugins}). */
public final class ConnectorsVersion {
  private ConnectorsVersion() {}

  /** The jar manifest's Implementation-Version, or {@code dev} when run from classes. */
  public static String get() {
    String v = ConnectorsVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
