module github.com/maillage/maillage/services/notifications

go 1.26.0
