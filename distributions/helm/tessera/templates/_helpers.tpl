{{/* The release's full name: "tessera" for a release called tessera, else <release>-tessera. */}}
{{- define "tessera.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "tessera.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "tessera.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: kernel
{{- end -}}

{{- define "tessera.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "tessera.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The kernel keeps its platform Secrets (JWT keys, identity providers) in kubesphere-system, as
     KubeSphere does; the chart installs there so that everything it renders sits in one namespace. */}}
{{- define "tessera.namespace" -}}
{{- if ne .Release.Namespace "kubesphere-system" -}}
{{- fail (printf "install Tessera into the namespace kubesphere-system (--namespace kubesphere-system --create-namespace), not %q: the kernel keeps its platform Secrets there" .Release.Namespace) -}}
{{- end -}}
{{- .Release.Namespace -}}
{{- end -}}

{{- define "tessera.webhookServiceName" -}}
{{- printf "%s-webhook" (include "tessera.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "tessera.webhookSecretName" -}}
{{- if eq .Values.webhook.certificate.source "secret" -}}
{{- required "webhook.certificate.secretName is required when webhook.certificate.source is secret" .Values.webhook.certificate.secretName -}}
{{- else -}}
{{- printf "%s-webhook-tls" (include "tessera.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "tessera.shutdownGrace" -}}
{{- default (printf "%ds" (int .Values.shutdown.shutdownGraceSeconds)) .Values.config.server.shutdownGrace -}}
{{- end -}}
