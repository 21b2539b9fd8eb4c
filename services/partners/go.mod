module github.com/maillage/maillage/services/partners

go 1.26.0
