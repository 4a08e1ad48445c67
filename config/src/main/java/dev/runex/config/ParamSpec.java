package dev.runex.config;

/**
 * One declared parameter of a job type.
 *
 * @param name parameter name
 * @param type declared type
 * @param required whether a request must carry it
 */
public record ParamSpec(String name, ParamType type, boolean required) {}
