package dev.runex.k8s;

/** A manifest that is not what its kind requires; the message says where and why. */
final class ManifestException extends RuntimeException {
  ManifestException(String message) {
    super(message);
  }
}
