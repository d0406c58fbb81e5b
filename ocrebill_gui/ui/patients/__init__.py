"""The front desk's patient screens: the patient list, the patient form, coverages and
prior authorizations."""
