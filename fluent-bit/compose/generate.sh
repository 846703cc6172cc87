#!/bin/sh
# Log generator for the compose harness (busybox sh): appends to /logs/app.log application lines
# that carry secrets the way real ones leak (JSON fields, free text, URLs), and to /logs/audit.log
# Kubernetes audit events, one of them every fifth round. Runs until `docker compose down`.
set -eu
app=/logs/app.log
audit=/logs/audit.log
i=0
while :; do
  i=$((i + 1))
  now=$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)
  # Structured: secrets under telling keys.
  printf '{"level":"info","msg":"login","user":"alice","password":"hunter2-%s","seq":%s}\n' "$i" "$i" >> "$app"
  printf '{"level":"error","msg":"upstream call failed","authorization":"Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl","seq":%s}\n' "$i" >> "$app"
  # Free text: secrets only a detector finds (AWS's documented example key, a DSN password).
  printf '%s WARN using AWS key AKIAIOSFODNN7EXAMPLE for backup %s\n' "$now" "$i" >> "$app"
  printf '%s ERROR db connect postgres://app:s3cr3t-%s@db:5432/orders timed out\n' "$now" "$i" >> "$app"
  if [ $((i % 5)) -eq 1 ]; then
    # Someone reads every Secret in kube-system, then execs into a pod.
    printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"00000000-0000-4000-8000-%012d","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/kube-system/secrets","verb":"list","user":{"username":"system:serviceaccount:default:builder","groups":["system:serviceaccounts"]},"sourceIPs":["10.0.0.7"],"userAgent":"kubectl/v1.31.0","objectRef":{"resource":"secrets","namespace":"kube-system","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestReceivedTimestamp":"%s","stageTimestamp":"%s"}\n' "$i" "$now" "$now" >> "$audit"
    printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"00000000-0000-4000-9000-%012d","stage":"ResponseStarted","requestURI":"/api/v1/namespaces/default/pods/web-0/exec?command=sh&container=web&stdin=true&tty=true","verb":"create","user":{"username":"mallory@example.com","groups":["system:authenticated"]},"sourceIPs":["203.0.113.9"],"userAgent":"kubectl/v1.31.0","objectRef":{"resource":"pods","namespace":"default","name":"web-0","apiVersion":"v1","subresource":"exec"},"responseStatus":{"metadata":{},"code":101},"requestReceivedTimestamp":"%s","stageTimestamp":"%s"}\n' "$i" "$now" "$now" >> "$audit"
  fi
  sleep 2
done
