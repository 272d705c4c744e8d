"""Forms of the pages: applicant, window, work queue, licences, supervision."""
