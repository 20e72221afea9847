{{/*
Names, labels and the derived settings every template shares.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "meridian.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* "<release>-meridian" (the release name alone when it contains the chart name), or fullnameOverride. */}}
{{- define "meridian.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* "meridian-0.1.0", for the helm.sh/chart label. */}}
{{- define "meridian.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "meridian.labels" -}}
helm.sh/chart: {{ include "meridian.chart" . }}
app.kubernetes.io/name: {{ include "meridian.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: meridian
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* Selector labels of one component: call with (dict "ctx" $ "component" "controller"). */}}
{{- define "meridian.selectorLabels" -}}
app.kubernetes.io/name: {{ include "meridian.name" .ctx }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Labels of one component's objects: call with (dict "ctx" $ "component" "controller"). */}}
{{- define "meridian.componentLabels" -}}
{{ include "meridian.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* The controller's ServiceAccount name. */}}
{{- define "meridian.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "meridian.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name: name the existing ServiceAccount when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The KubeFed namespace. */}}
{{- define "meridian.kubefedNamespace" -}}
{{- required "kubefed.namespace: name the KubeFed namespace (kube-federation-system)" .Values.kubefed.namespace }}
{{- end }}

{{/* The namespace of the leader Lease: leaderElection.namespace, else the KubeFed namespace. */}}
{{- define "meridian.leaderNamespace" -}}
{{- default (include "meridian.kubefedNamespace" .) .Values.controller.leaderElection.namespace }}
{{- end }}

{{/* An image reference: call with (dict "image" .Values.controller.image "ctx" $). */}}
{{- define "meridian.image" -}}
{{- if .image.digest }}
{{- printf "%s@%s" .image.repository .image.digest }}
{{- else }}
{{- printf "%s:%s" .image.repository (default .ctx.Chart.AppVersion .image.tag) }}
{{- end }}
{{- end }}

{{/* "true" when CoreDNS is deployed: coredns.enabled true, or auto with the etcd provider. */}}
{{- define "meridian.corednsEnabled" -}}
{{- $v := toString .Values.coredns.enabled }}
{{- if eq $v "true" }}true
{{- else if and (eq $v "auto") (eq .Values.provider.name "etcd") }}true
{{- else if not (has $v (list "true" "false" "auto")) }}
{{- fail (printf "coredns.enabled %q: must be auto, true or false" $v) }}
{{- end }}
{{- end }}

{{/* The bundled etcd's names. */}}
{{- define "meridian.etcdName" -}}
{{- printf "%s-etcd" (include "meridian.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- define "meridian.etcdHeadlessName" -}}
{{- printf "%s-etcd-peers" (include "meridian.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The etcd client URLs the controller and CoreDNS use, comma-separated: the bundled etcd's
Service, or provider.etcd.endpoints. */}}
{{- define "meridian.etcdEndpoints" -}}
{{- if .Values.etcd.enabled }}
{{- printf "http://%s.%s.svc:%d" (include "meridian.etcdName" .) .Release.Namespace (int .Values.etcd.clientPort) }}
{{- else }}
{{- join "," .Values.provider.etcd.endpoints }}
{{- end }}
{{- end }}

{{/* The keys of CoreDNS's server block: each zone it serves, on coredns.containerPort. */}}
{{- define "meridian.corednsServerKeys" -}}
{{- $keys := list }}
{{- range (default .Values.provider.zones .Values.coredns.zones) }}
{{- $keys = append $keys (printf "%s:%d" . (int $.Values.coredns.containerPort)) }}
{{- end }}
{{- join " " $keys }}
{{- end }}

{{/* Where the etcd client certificate Secret is mounted, in the controller and in CoreDNS. */}}
{{- define "meridian.etcdTLSDir" -}}/etc/meridian/etcd-tls{{- end }}

{{/* Where the Google service-account key is mounted. */}}
{{- define "meridian.gcpCredentialsDir" -}}/var/run/secrets/meridian/gcp{{- end }}

{{/* Pod anti-affinity preferring one replica per node: call with (dict "ctx" $ "component" "controller"). */}}
{{- define "meridian.spreadAffinity" -}}
podAntiAffinity:
  preferredDuringSchedulingIgnoredDuringExecution:
    - weight: 100
      podAffinityTerm:
        topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            {{- include "meridian.selectorLabels" . | nindent 12 }}
{{- end }}
