{{/*
meridian.validate fails rendering on values that would install a controller that cannot work,
naming the value to change. templates/validate.yaml calls it; it renders nothing.
*/}}
{{- define "meridian.validate" -}}
{{- $p := .Values.provider }}
{{- if not (has $p.name (list "none" "etcd" "route53" "clouddns")) }}
{{- fail (printf "provider.name %q: must be none, etcd, route53 or clouddns" (toString $p.name)) }}
{{- end }}
{{- if and (ne $p.name "none") (empty $p.zones) }}
{{- fail (printf "provider.zones: name the DNS zones the %s provider manages, e.g. --set 'provider.zones={example.com}'" $p.name) }}
{{- end }}
{{- if and (eq $p.name "clouddns") (empty $p.clouddns.project) }}
{{- fail "provider.clouddns.project: name the Google Cloud project of the Cloud DNS zones" }}
{{- end }}
{{- $needEtcd := or (eq $p.name "etcd") (eq (include "meridian.corednsEnabled" .) "true") }}
{{- if and .Values.etcd.enabled $p.etcd.endpoints }}
{{- fail "provider.etcd.endpoints: leave it empty with etcd.enabled (the bundled etcd is used), or disable etcd.enabled to use your own etcd" }}
{{- end }}
{{- if and .Values.etcd.enabled (not $needEtcd) }}
{{- fail (printf "etcd.enabled: the bundled etcd is for the etcd provider and CoreDNS, but provider.name is %q and CoreDNS is off; set provider.name=etcd" $p.name) }}
{{- end }}
{{- if and $needEtcd (not .Values.etcd.enabled) (empty $p.etcd.endpoints) }}
{{- fail "provider.etcd.endpoints: name your etcd's client URLs, or set etcd.enabled=true for the bundled etcd" }}
{{- end }}
{{- if and (eq (include "meridian.corednsEnabled" .) "true") (empty (default $p.zones .Values.coredns.zones)) }}
{{- fail "coredns.zones: name the zones CoreDNS serves (or set provider.zones)" }}
{{- end }}
{{- if and $p.etcd.tls.enabled (empty $p.etcd.tls.existingSecret) }}
{{- fail "provider.etcd.tls.existingSecret: name the Secret with the etcd client certificate, key and CA" }}
{{- end }}
{{- if and $p.etcd.tls.enabled .Values.etcd.enabled }}
{{- fail "provider.etcd.tls.enabled: the bundled etcd serves plain HTTP inside the cluster; TLS is for an etcd of your own" }}
{{- end }}
{{- if and $p.etcd.auth.username (empty $p.etcd.auth.existingSecret) }}
{{- fail "provider.etcd.auth.existingSecret: name the Secret with the etcd user's password" }}
{{- end }}
{{- if and (gt (int .Values.controller.replicas) 1) (not .Values.controller.leaderElection.enabled) }}
{{- fail "controller.leaderElection.enabled: more than one replica needs leader election, or they would all act at once" }}
{{- end }}
{{- if and .Values.etcd.enabled (lt (int .Values.etcd.replicas) 1) }}
{{- fail "etcd.replicas: at least 1" }}
{{- end }}
{{- range .Values.coredns.gslb.clientRules }}
{{- if or (empty .cidrs) (eq (empty .region) (empty .cluster)) }}
{{- fail (printf "coredns.gslb.clientRules: each rule needs cidrs and one of region or cluster; got %v" .) }}
{{- end }}
{{- end }}
{{- end }}
